"""The caller fills the templates: the planner and the chat's respond get the time to the minute (a
new cached prefix every minute), talk gets the date (stable all day), the note passes the time only
to a log."""
from datetime import datetime

from app.engines import Chat, Planner
from app.prompts import build_chat_prompt, build_logged_prompt, build_planner_prompt


class Brain:
    def __init__(self):
        self.planner = Planner()
        self.chat = Chat()

    def _current_time(self):
        return datetime.now().strftime("%A, %B %d, %Y at %I:%M %p")

    def _today(self):
        return datetime.now().strftime("%A, %B %d, %Y")

    def handle_complex(self, text):
        prompt = build_planner_prompt(robot_name="Wybe", current_time=self._current_time())
        return self.planner.plan(text, prompt)

    def handle_simple(self, text):
        prompt = build_chat_prompt("Wybe", self._today())
        return self.chat.talk(text, prompt)

    def handle_chat(self, text):
        # the time to the minute through a staticmethod that wraps the prompt in a cached block
        prompt = build_planner_prompt(robot_name="Wybe", current_time=self._current_time())
        return self.chat.respond(text, prompt)

    def handle_note(self, text):
        return self.chat.note(text, build_logged_prompt("Wybe", self._current_time()))
