from app.helpers import CURRENT, OLD_OPUS, complete, forwarded, legacy_only


def run(text):
    complete("Be brief.", text)
    complete("Be brief.", text, model=CURRENT)
    legacy_only(text, model=OLD_OPUS)
    forwarded(text, "claude-3-haiku-20240307")
