"""Tool schemas: a plain set and a strict set that differs only in its last tool."""

LOOKUP = {
    "name": "lookup_company",
    "description": "Look up a company's identifier by its name. Use this first when you have a name but no identifier; it returns the identifier or null when nothing matches.",
    "input_schema": {"type": "object", "properties": {"company_name": {"type": "string", "description": "The company's name, e.g. 'Apple Inc'"}}, "required": ["company_name"]},
}

EXTRACT = {
    "name": "extract_financials",
    "description": "Submit the financial data extracted from a filing. Call it once, after reading the whole filing; use null for any value the filing does not state.",
    "input_schema": {"type": "object", "properties": {
            "revenue": {"type": ["number", "null"], "description": "The revenue as stated in the filing, in the reporting currency, without rounding or scaling; null when the filing does not state it."},
            "net_income": {"type": ["number", "null"], "description": "The net income as stated in the filing, in the reporting currency, without rounding or scaling; null when the filing does not state it."},
            "total_assets": {"type": ["number", "null"], "description": "The total assets as stated in the filing, in the reporting currency, without rounding or scaling; null when the filing does not state it."},
            "total_liabilities": {"type": ["number", "null"], "description": "The total liabilities as stated in the filing, in the reporting currency, without rounding or scaling; null when the filing does not state it."},
            "operating_cash_flow": {"type": ["number", "null"], "description": "The operating cash flow as stated in the filing, in the reporting currency, without rounding or scaling; null when the filing does not state it."},
            "eps": {"type": ["number", "null"], "description": "The eps as stated in the filing, in the reporting currency, without rounding or scaling; null when the filing does not state it."},
            "shares_outstanding": {"type": ["number", "null"], "description": "The shares outstanding as stated in the filing, in the reporting currency, without rounding or scaling; null when the filing does not state it."},
            "fiscal_year_end": {"type": ["number", "null"], "description": "The fiscal year end as stated in the filing, in the reporting currency, without rounding or scaling; null when the filing does not state it."},
    }},
}

EXTRACT_STRICT = {
    "name": "extract_financials",
    "strict": True,
    "description": "Submit the financial data extracted from a filing. Call it once, after reading the whole filing; use null for any value the filing does not state.",
    "input_schema": {"type": "object", "additionalProperties": False, "properties": {
            "revenue": {"anyOf": [{"type": "number"}, {"type": "null"}], "description": "The revenue as stated in the filing, in the reporting currency, without rounding or scaling; null when the filing does not state it."},
            "net_income": {"anyOf": [{"type": "number"}, {"type": "null"}], "description": "The net income as stated in the filing, in the reporting currency, without rounding or scaling; null when the filing does not state it."},
            "total_assets": {"anyOf": [{"type": "number"}, {"type": "null"}], "description": "The total assets as stated in the filing, in the reporting currency, without rounding or scaling; null when the filing does not state it."},
            "total_liabilities": {"anyOf": [{"type": "number"}, {"type": "null"}], "description": "The total liabilities as stated in the filing, in the reporting currency, without rounding or scaling; null when the filing does not state it."},
            "operating_cash_flow": {"anyOf": [{"type": "number"}, {"type": "null"}], "description": "The operating cash flow as stated in the filing, in the reporting currency, without rounding or scaling; null when the filing does not state it."},
            "eps": {"anyOf": [{"type": "number"}, {"type": "null"}], "description": "The eps as stated in the filing, in the reporting currency, without rounding or scaling; null when the filing does not state it."},
            "shares_outstanding": {"anyOf": [{"type": "number"}, {"type": "null"}], "description": "The shares outstanding as stated in the filing, in the reporting currency, without rounding or scaling; null when the filing does not state it."},
            "fiscal_year_end": {"anyOf": [{"type": "number"}, {"type": "null"}], "description": "The fiscal year end as stated in the filing, in the reporting currency, without rounding or scaling; null when the filing does not state it."},
    }},
}

TOOLS = [LOOKUP, EXTRACT]
TOOLS_STRICT = TOOLS[:1] + [EXTRACT_STRICT]

SMALL = [{"name": "ping", "input_schema": {"type": "object"}}]
SMALL_MARKED = [{"name": "ping", "input_schema": {"type": "object"}, "cache_control": {"type": "ephemeral"}}]
