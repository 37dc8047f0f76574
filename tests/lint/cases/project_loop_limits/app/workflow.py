"""Screening in chunks: one run stops early when enough articles are in, the other screens them all."""

from app.llm import screen, screen_all


def screen_until_enough(articles, progress, target):
    for i in range(0, len(articles), 20):
        chunk = articles[i:i + 20]
        for article in chunk:
            progress.results.append(screen(article))
        progress.done += len(chunk)
        if progress.included() >= target:
            break


def screen_everything(articles, progress):
    for i in range(0, len(articles), 20):
        chunk = articles[i:i + 20]
        for article in chunk:
            progress.results.append(screen_all(article))
        progress.done += len(chunk)
