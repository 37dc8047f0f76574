"""Prompts the callers send through the wrappers in client.py."""

POLICY = "You are the refund desk of a large retailer. Apply every clause of the policy below. " * 150

EXTRACT = "Extract the invoice number, the date and the total. Respond with valid JSON only."

SHORT = "You are terse."
