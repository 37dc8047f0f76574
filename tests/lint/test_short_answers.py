"""The phrasings that ask for a short answer (TB204) and the ones that ask for more, from real prompts."""

from __future__ import annotations

import pytest

from pytest_tokenbudget.lint.analysis.intent import asks_for_json, short_answer_kind


@pytest.mark.parametrize(("prompt", "kind"), [
    ('Please output "RELIGIOUS" if so and "SECULAR" if not. Do not explain your answer.', "a single label"),
    ('Print "YES" if it is a bill about religion and "NO" if it is not.', "a single label"),
    ("Please select one out of the two types (0 and 1) for the relation, without any explanation.", "a single label"),
    ("Pick one of the four categories: billing, shipping, returns or other.", "a single label"),
    ("Answer with yes or no.", "a yes/no answer"),
    ("What colour is the most magical elephant? Only respond with the colour.", "a single colour"),
    ("Reply with just the country.", "a single country"),
    ("Answer with the language only.", "a single language"),
    ("Output EXACTLY ONE category name from the list above.", "a single category"),
])
def test_short_answer_phrasings(prompt, kind):
    assert short_answer_kind(prompt) == kind


@pytest.mark.parametrize("prompt", [
    'Return "error" if the file is missing and continue with the next file otherwise.',
    "Choose one of the three options and explain why it fits the customer best.",
    "Select one of the two drafts and rewrite it in a friendlier tone.",
    "Write a short story about a lighthouse keeper.",
    "Only respond with the summary.",
    "Output one category and a short explanation of why it fits.",
    "Respond with the country only if you are sure, otherwise explain your doubts.",
])
def test_longer_answers_are_not_short(prompt):
    assert short_answer_kind(prompt) is None


@pytest.mark.parametrize(("prompt", "asks"), [
    # data fenced between <<< and >>> lines, then the instruction: the fence ends the quote
    ("Judge the reply below.\n<<<\nThe capital is Paris.\n>>>\n\nReturn ONLY the JSON object.", True),
    ("Judge the reply below.\n> As JSON, the order is {\"id\": 3}\nAnswer in one sentence.", False),  # a quoted line
    ("<document>Please send the report as JSON by Friday.</document>\nSummarise the document.", False),
])
def test_json_asked_after_quoted_input_counts_and_inside_it_does_not(prompt, asks):
    assert asks_for_json(prompt) is asks


@pytest.mark.parametrize(("prompt", "asks"), [
    ("请阅读以下新闻。只输出一个 JSON 对象，不要其他文字。", True),  # output only one JSON object (LCLx)
    ("请以JSON格式输出结果。", True),
    ("这是一个 JSON 文件的内容，请用一句话总结。", False),  # "this is a JSON file's content; sum it up in a sentence"
])
def test_a_json_request_in_chinese_with_a_measure_word_counts(prompt, asks):
    assert asks_for_json(prompt) is asks


@pytest.mark.parametrize(("prompt", "asks"), [
    ('Return datasets in this EXACT format:\n[{"name": "..."}]\n- NO text before or after the JSON array', True),
    ("List the items. Nothing outside the JSON object, please.", True),
    ("Give me just the JSON array of ids.", True),
    ("Describe the schema in prose; no need to explain anything before the example.", False),
    ("Do not answer in JSON: write two sentences.", False),
])
def test_json_alone_asked_by_what_must_not_surround_it(prompt, asks):
    assert asks_for_json(prompt) is asks


@pytest.mark.parametrize(("prompt", "asks"), [
    ("Analyse the job market data below, which is presented in JSON format. Write a report.", False),
    ("The records are given as JSON. Summarise them in prose.", False),
    ("The data is provided in JSON. Return your answer in JSON.", True),  # said of the input, then asked
    ("Your answer must be formatted as JSON.", True),  # "be formatted": an instruction, not a description
    ("Make sure the response is in JSON format.", True),
    ("Your task is to review structured JSON data from a webpage. Use Markdown headings.", False),  # devbret
    ("Structure your response as a JSON object.", True),
])
def test_json_said_of_the_input_is_not_an_ask_for_it(prompt, asks):
    assert asks_for_json(prompt) is asks


@pytest.mark.parametrize(("prompt", "asks"), [
    ("The response MUST be a JSON object with two keys: 'subject' and 'body_html'.", True),  # crust-c
    ("Response should be a json string of the following structure: {...}", True),  # curio
    ("Your output should be in valid JSON.", True),
    ("Write the e-mail below.\n\nYour JSON response:", True),  # a prompt that ends by opening the answer
    ("The response should not be JSON; write a paragraph.", False),
    ("Each response must be polite. The JSON below lists the customers.", False),
])
def test_json_asked_of_the_response_it_must_be(prompt, asks):
    assert asks_for_json(prompt) is asks


@pytest.mark.parametrize(("prompt", "asks"), [
    ("Retorne JSON seguindo este schema: {...}. Retorne APENAS o JSON.", True),  # oncoia (Portuguese)
    ("Devuelva solo JSON con las claves nombre y fecha.", True),  # Spanish, formal imperative
    ("Não retorne JSON: escreva um parágrafo.", False),
])
def test_json_asked_with_the_formal_imperative_in_portuguese_and_spanish(prompt, asks):
    assert asks_for_json(prompt) is asks


@pytest.mark.parametrize(("prompt", "asks"), [
    ("Ответ только JSON.", True),  # oura-telegram-reports: "the answer: only JSON"
    ('ФОРМАТ ОТВЕТА (JSON): {"severity": "low"}', True),  # "ANSWER FORMAT (JSON)"
    ("Это содержимое файла JSON. Кратко перескажи его.", False),  # "this is a JSON file's content; retell it"
    # ardena-group-bot: "hand over all the data as a dictionary (JSON) with no extra text"
    ("Отдай все данные в виде словаря (JSON) без лишнего текста", True),
])
def test_json_asked_in_russian_as_only_json_or_as_the_answer_format(prompt, asks):
    assert asks_for_json(prompt) is asks


@pytest.mark.parametrize(("prompt", "asks"), [
    ("JSON exacto: {...}\nSolo JSON válido, sin texto adicional.", True),  # p2c (Spanish: "only valid JSON")
    ("출력 형식(JSON): {\"elements\": []}", True),  # electrical-engineer-ai (Korean: "output format (JSON)")
    ("El archivo contiene JSON válido de los clientes. Resume en prosa.", False),  # said of the input
    ("출력 형식: 표", False),  # "output format: a table"
])
def test_json_asked_as_only_json_in_spanish_or_as_the_output_format_in_korean(prompt, asks):
    assert asks_for_json(prompt) is asks


@pytest.mark.parametrize(("prompt", "asks"), [
    ("Analisis kontrak ini. Hanya kembalikan JSON tanpa teks lain.", True),  # clausia-ai (Indonesian)
    ("Kembalikan JSON dengan format: {\"findings\": []}", True),  # "return JSON in the format"
    ("Berikan jawaban dalam JSON.", True),  # "give the answer in JSON"
    ("Jangan kembalikan JSON, tulis satu paragraf.", False),  # "do not return JSON"
    ("Data berikut berupa file JSON. Ringkas isinya.", False),  # "the data below is a JSON file"
])
def test_json_asked_in_indonesian(prompt, asks):
    assert asks_for_json(prompt) is asks


@pytest.mark.parametrize(("prompt", "asks"), [
    ("議事録を要約してください。JSON で出力してください。 keys: title, points", True),  # Automatic-minutes-creation
    ("結果はJSONで返してください。", True),  # "return the result in JSON"
    ("JSONで受け取ったデータを要約してください。", False),  # "summarise the data received as JSON"
    ("JSONで出力しないでください。文章で答えてください。", False),  # "do not output JSON"
    ("## 出力（JSONのみ）\n{\"needed\": false}", True),  # AutoAnalytics: "output (JSON only)"
    ("JSON のみを返してください。", True),  # "return JSON only"
    ("JSONのみで答えないでください。", False),  # "do not answer in JSON only"
    ("只回傳 JSON 物件：{\"title\": \"...\"}", True),  # spanish-listening: "return only a JSON object"
])
def test_json_asked_in_japanese_and_in_traditional_chinese(prompt, asks):
    assert asks_for_json(prompt) is asks
