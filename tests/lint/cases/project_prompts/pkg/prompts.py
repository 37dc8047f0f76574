SYSTEM = """You are a meticulous support agent. """ + "Policy clause. " * 800

def build():
    return "Rules: " + "clause. " * 1500


from .schema import ANSWER_SCHEMA

# the schema sits between two static parts: the whole text is one static prefix, not per-call data
GUIDE = f"""Answer in this format:

{ANSWER_SCHEMA}

""" + "Quote the ticket for every reason you give. " * 300
