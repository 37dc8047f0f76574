import json
import sys

from chat_helper import ChatHelper
from evaluator import PromptEvaluator

with open(sys.argv[1]) as fh:
    cases = json.load(fh)
print(PromptEvaluator(ChatHelper()).run(cases))
