"""Prompt templates filled by the caller: the time of day arrives through a parameter."""

PLANNER_TEMPLATE = """You are {robot_name}, the planning module of a care-home robot.

Current time: {current_time}

Plan the resident's request as a list of actions: speak, navigate, wait, alert_staff."""

CHAT_TEMPLATE = """You are {robot_name}, a friendly companion robot.

Today is {today}.

Keep answers brief and warm."""


def build_planner_prompt(robot_name, current_time):
    return PLANNER_TEMPLATE.format(robot_name=robot_name, current_time=current_time)


def build_chat_prompt(robot_name, today):
    return CHAT_TEMPLATE.format(robot_name=robot_name, today=today)


def build_logged_prompt(robot_name, current_time):
    print("prompt built at", current_time)  # the time only goes to the log, not into the prompt
    return CHAT_TEMPLATE.format(robot_name=robot_name, today="the day of the visit")
