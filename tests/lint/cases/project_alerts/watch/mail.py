def send_alert(text):
    print("ALERT", text)


def send_email(subject, body):
    print(subject, body)


def create_alert_task(name, score):
    print("TASK", name, score)


def notify_owner(user, text):
    print("NOTIFY", user, text)
