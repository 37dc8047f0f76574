import sys

from terms.client import classify_term, define_term, submit_batch, tag_term


def _classify_sync(terms):
    return [classify_term(t).content[0].text for t in terms]


def _classify_batch(terms):
    return submit_batch(terms).id


def _tag_all(terms):
    return [tag_term(t).content[0].text for t in terms]


def _define_each(terms):
    return [define_term(t).content[0].text for t in terms]


def define(terms, can_batch=True):
    if not can_batch:
        return _define_each(terms)
    requests = sorted(set(terms))
    return submit_batch(requests).id


def extract(terms, sync=False):
    if sync:
        results = _classify_sync(terms)
    else:
        results = _classify_batch(terms)
    print(results)


def tag(terms, batch=False):
    if batch:
        print(_classify_batch(terms))
    else:
        print(_tag_all(terms))


if __name__ == "__main__":
    words = sys.argv[2:]
    if sys.argv[1] == "define":
        print(define(words, can_batch="--no-batch" not in sys.argv))
    elif sys.argv[1] == "extract":
        extract(words, sync="--sync" in sys.argv)
    else:
        tag(words, batch="--batch" in sys.argv)
