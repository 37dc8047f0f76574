"""Summarises the recordings of one meeting: run by the menu bar app (app/desktop/menubar.py) as a
meeting ends, while its user waits for the notes: live work, not TB401's."""
import anthropic

client = anthropic.Anthropic()


def summarise_recording(transcript):
    r = client.messages.create(model="claude-sonnet-5-5", max_tokens=2048,
                               messages=[{"role": "user", "content": f"Summarise this meeting: {transcript}"}])
    return r.content[0].text


def summarise_meeting(transcripts):
    return [summarise_recording(t) for t in transcripts]
