SYSTEM = """You are a meticulous support agent. """ + "Policy clause. " * 800

def build():
    return "Rules: " + "clause. " * 1500
