"""The shared context every persona of the bot starts with (a large static text)."""

HANDBOOK = "Company handbook clause: answer from the policy, cite the section, never invent. " * 120
SHORT_NOTE = "Be brief."
