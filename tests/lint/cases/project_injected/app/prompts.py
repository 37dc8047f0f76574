"""The support policy the desk sends with every question."""

POLICY = "You are the support desk of a large retailer. Apply every clause of the policy below. " * 150
