"""Summaries of every cluster and relations of every sentence of a corpus file, written to disk."""
import json
import sys

from generation.summaries import summarize
from pipeline.captions import Captioner
from pipeline.classifier import Classifier

with open(sys.argv[1], encoding="utf-8") as f:
    corpus = json.load(f)
summaries = [summarize(cluster) for cluster in corpus["clusters"]]
classifier = Classifier()
relations = [classifier.classify(s) for s in corpus["sentences"]]
captioner = Captioner()
captions = [captioner.caption(url) for url in corpus["images"]]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump({"summaries": summaries, "relations": relations, "captions": captions}, f)
