"""Getting JSON out of Claude: prose instructions, forced tools, structured outputs and prefills."""
import json

import anthropic

client = anthropic.Anthropic()
EXTRACT_SYSTEM = "You extract invoice fields. Respond only with valid JSON: {\"vendor\": str, \"total\": float}."
RECORD_TOOL = {
    "name": "record_invoice",
    "description": "Record the invoice fields",
    "input_schema": {"type": "object", "properties": {"vendor": {"type": "string"}, "total": {"type": "number"}}},
}


def extract_prose(invoice: str) -> dict:
    reply = client.messages.create(  # TB501
        model="claude-sonnet-5-5",
        max_tokens=300,
        system=EXTRACT_SYSTEM,
        messages=[{"role": "user", "content": invoice}],
    )
    return json.loads(reply.content[0].text)


def extract_with_tool(invoice: str) -> dict:
    # Not flagged: JSON asked for, and a forced tool delivers it.
    reply = client.messages.create(
        model="claude-sonnet-5-5",
        max_tokens=300,
        system=EXTRACT_SYSTEM,
        tools=[RECORD_TOOL],
        tool_choice={"type": "tool", "name": "record_invoice"},
        messages=[{"role": "user", "content": invoice}],
    )
    return reply.content[0].input


def extract_structured(invoice: str) -> dict:
    # Not flagged: structured outputs.
    reply = client.messages.create(
        model="claude-sonnet-5-5",
        max_tokens=300,
        output_config={"format": {"type": "json_schema", "schema": RECORD_TOOL["input_schema"]}},
        messages=[{"role": "user", "content": f"Return the invoice fields as JSON.\n{invoice}"}],
    )
    return json.loads(reply.content[0].text)


def extract_prefill_old_model(invoice: str) -> dict:
    # Not flagged: Haiku 4.5 accepts a prefill, and the prefill forces the JSON.
    reply = client.messages.create(
        model="claude-haiku-4-5",
        max_tokens=300,
        messages=[
            {"role": "user", "content": f"Return the invoice fields as JSON.\n{invoice}"},
            {"role": "assistant", "content": "{"},
        ],
    )
    return json.loads("{" + reply.content[0].text)


def extract_prefill_new_model(invoice: str) -> dict:
    reply = client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=300,
        messages=[
            {"role": "user", "content": f"Return the invoice fields as JSON.\n{invoice}"},
            {"role": "assistant", "content": "{"},  # TB503
        ],
    )
    return json.loads("{" + reply.content[0].text)


def extract_prefill_and_tool(invoice: str) -> dict:
    reply = client.messages.create(
        model="claude-haiku-4-5",
        max_tokens=300,
        tools=[RECORD_TOOL],
        tool_choice={"type": "any"},
        messages=[
            {"role": "user", "content": invoice},
            {"role": "assistant", "content": "{"},  # TB502
        ],
    )
    return reply.content[0].input


def continue_conversation(history: list, question: str):
    # Not flagged: whatever ends the history is unknown.
    return client.messages.create(model="claude-opus-5-5", max_tokens=800,
                                  messages=[*history, {"role": "user", "content": question}, *history])


# The JSON ask in other languages: the same cost, the same fix.
def extraire_facture(facture: str) -> dict:
    reply = client.messages.create(  # TB501
        model="claude-sonnet-5-5",
        max_tokens=300,
        system="Tu extrais les champs d'une facture. Réponds UNIQUEMENT en JSON valide.",
        messages=[{"role": "user", "content": facture}],
    )
    return json.loads(reply.content[0].text)


def extraer_factura(factura: str) -> dict:
    reply = client.messages.create(  # TB501
        model="claude-sonnet-5-5",
        max_tokens=300,
        messages=[{"role": "user", "content": f"Devuelve un objeto JSON con proveedor y total.\n{factura}"}],
    )
    return json.loads(reply.content[0].text)


def классифицировать(запрос: str) -> dict:
    reply = client.messages.create(  # TB501
        model="claude-sonnet-5-5",
        max_tokens=100,
        system='Ты — классификатор запросов. Ответь ТОЛЬКО валидным JSON без markdown: {"needs_tools": true}',
        messages=[{"role": "user", "content": запрос}],
    )
    return json.loads(reply.content[0].text)


def ответить(вопрос: str) -> str:
    # Not flagged: the prompt says NOT to answer in JSON ("не отвечай в JSON").
    reply = client.messages.create(
        model="claude-sonnet-5-5",
        max_tokens=300,
        system="Отвечай по-русски, обычным текстом; не отвечай JSON.",
        messages=[{"role": "user", "content": вопрос}],
    )
    return reply.content[0].text


def 대화_분석(대화: str) -> dict:
    reply = client.messages.create(  # TB501
        model="claude-sonnet-5-5",
        max_tokens=300,
        system="다음 대화를 분석해주세요. JSON 형태로 응답해주세요.",
        messages=[{"role": "user", "content": 대화}],
    )
    return json.loads(reply.content[0].text)


def 데이터_요약(데이터: str) -> str:
    # Not flagged: "JSON 형태의 데이터" describes the input ("summarise the JSON-form data"), and the
    # second sentence says not to answer in JSON.
    reply = client.messages.create(
        model="claude-sonnet-5-5",
        max_tokens=300,
        system="다음 JSON 형태의 데이터를 요약해주세요. JSON 형태로 응답하지 마세요.",
        messages=[{"role": "user", "content": 데이터}],
    )
    return reply.content[0].text


def 提取发票(发票: str) -> dict:
    reply = client.messages.create(  # TB501
        model="claude-sonnet-5-5",
        max_tokens=300,
        system="请以以下JSON格式输出：{\"vendor\": \"...\", \"total\": 0}",
        messages=[{"role": "user", "content": 发票}],
    )
    return json.loads(reply.content[0].text)


def resume_document(document: str) -> str:
    # Not flagged: "JSON" describes the pasted document, the answer is prose.
    reply = client.messages.create(
        model="claude-sonnet-5-5",
        max_tokens=300,
        system="Le document contient du JSON mal formé; résume-le en deux phrases.",
        messages=[{"role": "user", "content": document}],
    )
    return reply.content[0].text


def 回答问题(问题: str) -> str:
    # Not flagged: the prompt says NOT to answer in JSON ("不要输出json").
    reply = client.messages.create(
        model="claude-sonnet-5-5",
        max_tokens=300,
        system="请用中文回答。注意不要输出json类型的回答。",
        messages=[{"role": "user", "content": 问题}],
    )
    return reply.content[0].text


SALES_SYSTEM = "You are a sales analyst. Respond ONLY in valid JSON with this exact structure: {\"summary\": str}"
MARKETING_SYSTEM = "You are a marketing analyst. Respond ONLY in valid JSON with this exact structure: {\"summary\": str}"
CHAT_SYSTEM = "You are a friendly assistant."


def insights(kpis: str, analyst: str) -> dict:
    system = MARKETING_SYSTEM if analyst == "marketing" else SALES_SYSTEM
    reply = client.messages.create(  # TB501
        model="claude-sonnet-5-5",
        max_tokens=1000,
        system=system,
        messages=[{"role": "user", "content": kpis}],
    )
    return json.loads(reply.content[0].text)


def insights_or_chat(kpis: str, chat: bool) -> str:
    # Not flagged: only one of the two prompts asks for JSON.
    reply = client.messages.create(
        model="claude-sonnet-5-5",
        max_tokens=1000,
        system=CHAT_SYSTEM if chat else SALES_SYSTEM,
        messages=[{"role": "user", "content": kpis}],
    )
    return reply.content[0].text


def answer_questions(conversation: str, questions: str) -> dict:
    reply = client.messages.create(  # TB501
        model="claude-sonnet-5-5",
        max_tokens=800,
        messages=[{"role": "user", "content": f"{conversation}\n\n{questions}\n"
                   "Write the answers in the form of a json dictionary with the question number as key."}],
    )
    return json.loads(reply.content[0].text)


def extract_schema_zh(prompt: str, schema) -> dict:
    # Chinese: "you must reply with a valid JSON object strictly matching this schema", parsed by json.loads
    system = (
        "你必须以有效的 JSON 对象回复，严格匹配以下 schema:\n"
        f"{schema.model_json_schema()}"
    )
    reply = client.messages.create(  # TB501
        model="claude-sonnet-5-5",
        max_tokens=4096,
        system=system,
        messages=[{"role": "user", "content": prompt}],
    )
    return json.loads(reply.content[0].text)


def describe_file_zh(path: str) -> str:
    # Not flagged: "explain what this JSON file holds" mentions JSON but asks for prose.
    reply = client.messages.create(
        model="claude-sonnet-5-5",
        max_tokens=1024,
        system="用中文解释这个 JSON 文件的内容和用途。",
        messages=[{"role": "user", "content": path}],
    )
    return reply.content[0].text
