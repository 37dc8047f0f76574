from app.helpers import legacy_only


def legacy_only_with_a_mock():
    legacy_only("hi", model="claude-sonnet-5-5")  # a test's placeholder: not what production sends
