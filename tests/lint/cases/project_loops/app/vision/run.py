"""The command line: the provider comes from the factory, the loop from the runner."""
import argparse
import csv

from app.vision.provider_factory import create_provider
from app.vision.runner_base import run_inference


def main():
    args = argparse.ArgumentParser().parse_args()
    provider = create_provider(args.provider, args.model)

    def infer_fn(row):
        return provider.infer(row["image_path"], "Transcribe the handwriting.")

    return run_inference(list(csv.DictReader(open(args.manifest))), infer_fn, args.max_images)
