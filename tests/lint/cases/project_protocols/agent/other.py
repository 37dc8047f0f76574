"""A caller that never imports the providers' module: its engine could be anything."""
from agent.prompts import POLICY


def digest(engine, text):
    return engine.summarise(POLICY, text)
