"""State changes of requests to agencies, one module per part of their life: sending, the
agency's replies, letters and outbound calls, deadline reminders."""
