"""Question makers for drills.py: each call rolls new numbers, except the fixed story prompt."""
import random


def _pair(low, high):
    a, b = random.randint(low, high), random.randint(low, high)
    return f"{a} - {b} = ", str(a - b)


def subtraction(lower, upper, shots=4):
    messages = []
    for _ in range(shots):
        question, answer = _pair(10 ** lower, 10 ** upper)
        messages += [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
    question, answer = _pair(10 ** lower, 10 ** upper)
    messages.append({"role": "user", "content": question})
    return messages, answer


def story_prompt():
    mood = random.random()  # logged, never part of the prompt
    print(f"mood {mood:.2f}")
    return [{"role": "user", "content": "Tell a short story about a lighthouse."}]
