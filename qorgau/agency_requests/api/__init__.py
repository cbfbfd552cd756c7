"""The agency-requests API: the staff side (api/staff.py) and the agency side (api/agency.py)."""
