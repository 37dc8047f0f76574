"""Overrides applied by name: any field of TunedSettings may change after construction."""


def apply(settings, overrides):  # settings: a TunedSettings
    for key, value in overrides.items():
        setattr(settings, key, value)
    return settings


def configure_processor(processor, options):  # an unrelated object: it names no settings class
    for key in options:
        setattr(processor, key, options[key])
