"""A macOS menu bar app (rumps): "Stop recording" summarises the meeting's recordings at once."""
import rumps

from app.services.recordings import summarise_meeting


class NotesApp(rumps.App):
    @rumps.clicked("Stop recording")
    def stop(self, _):
        rumps.notification("Notes", "", "\n".join(summarise_meeting(self.transcripts)))


NotesApp("Notes").run()
