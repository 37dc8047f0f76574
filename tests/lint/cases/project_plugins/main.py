"""Correct every scanned file of a folder with the provider the environment names."""
import importlib
import os
import sys

provider = os.getenv("LLM_PROVIDER", "claude")
llm_module = importlib.import_module(f"llms.{provider}")
ocr_module = importlib.import_module("ocr." + os.getenv("OCR", "scanner"))
anything = importlib.import_module(sys.argv[2])  # no part of the name known: not followed

for name in os.listdir(sys.argv[1]):
    ocr_module.process_file(os.path.join(sys.argv[1], name), llm_module)
    anything.correct_text(name, None)
