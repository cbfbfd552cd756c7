"""Case work on a registered appeal (rules 6(c), 6(d), 6(h)): what consultants and supervisors
add to an appeal after registration. The appeal itself and its corrections live in appeals."""
