from chat_helper import ChatHelper

helper = ChatHelper()
print(helper.chat("What is a token?"))
