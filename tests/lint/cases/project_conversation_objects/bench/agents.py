"""Game agents: each holds its own chat object for its whole life, so every act is its next turn."""

from bench.claude import Tutor


class Player:
    def __init__(self, name: str):
        self.name = name
        self.llm = Tutor()

    def act(self, situation: str) -> str:
        return self.llm.reply(f"{self.name}, you see: {situation}")  # a turn of the player's own conversation


def play(player: Player, situations: list[str]) -> None:
    for situation in situations:
        print(player.act(situation))
