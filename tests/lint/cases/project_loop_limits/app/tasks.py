"""An evaluation harness that measures latency, and one that only adds up the time it took."""

import time

from app.llm import answer_summed, answer_timed


class LatencyBench:
    def __init__(self):
        self.latencies = []

    def run_one(self, example):
        start_time = time.time()
        reply = answer_timed(example["question"])
        end_time = time.time()
        self.latencies.append(end_time - start_time)  # P50 / P95 of the requests themselves
        return reply

    def run(self, test_set):
        for example in test_set:
            self.run_one(example)


def run_total(test_set):
    total = 0.0
    for example in test_set:
        started = time.time()
        answer_summed(example["question"])
        total += time.time() - started  # bookkeeping: the answers can still wait for a batch
    return total
