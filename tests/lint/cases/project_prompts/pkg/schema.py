# a reply format shown to the model as a Python dict: str() of it is as static as the text around it
ANSWER_SCHEMA = {"label": "string", "reasons": [{"quote": "string", "why": "string"}], "confidence": 0.0}
