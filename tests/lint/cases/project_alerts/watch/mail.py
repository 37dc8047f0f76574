def send_alert(text):
    print("ALERT", text)


def send_email(subject, body):
    print(subject, body)
