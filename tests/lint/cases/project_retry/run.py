import llm


def main(docs):
    for doc in docs:
        print(llm.tenacity_decorated(doc), llm.backoff_decorated(doc), llm.local_decorated(doc))
        print(llm.wrapped_method(doc), llm.wrapped_inline(doc), llm.through_helper(doc), llm.through_retrying(doc))
        print(llm.while_true_counted(doc), llm.while_true_break(doc), llm.through_lambda(doc))
        print(llm.with_fallback_request(doc))
    print(llm.retry_loop_only("once"))


def serve(queues):
    for queue in queues:
        llm.chat_service(queue)
