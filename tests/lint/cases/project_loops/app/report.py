def summarize_one(text, summary_api):
    return summary_api(text)


def summarize_all(threads, summarizer):
    return [summarize_one(t, summary_api=summarizer) for t in threads]
