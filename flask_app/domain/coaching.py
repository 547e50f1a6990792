"""What the side panel offers a manager while coaching: the four competencies as short practical
prompts, and a bank of coaching questions (open, forward-looking) grouped by the agenda's four
questions. Plain data, so that the wording can be reviewed in one place."""
from __future__ import annotations

from dataclasses import dataclass

from .agenda import QUESTIONS


@dataclass(frozen=True)
class Competency:
    name: str
    prompts: tuple[str, ...]


COMPETENCIES = (
    Competency("Active listening", (
        "Let them finish; count to three before you answer.",
        "Say back what you heard in your own words, then ask “Did I get that right?”",
        "Notice what they stress or repeat, and ask about it.")),
    Competency("Powerful questioning", (
        "Ask “what” and “how”, not “why”: they open, “why” defends.",
        "One question at a time; let the silence work.",
        "Ask “What else?” before moving on.")),
    Competency("Development planning", (
        "Let them say what success looks like; you help make it concrete.",
        "Every commitment gets an owner and a date.",
        "Tie today's obstacle to the role they want next.")),
    Competency("Feedback", (
        "Name one moment: what happened, what it led to.",
        "Make it forward-looking: “Next time, try …”.",
        "Give it within a day or two, while it is fresh.")),
)

QUESTION_BANK = {
    "obstacle": (
        "What makes this hard right now?",
        "Where exactly does it get stuck?",
        "If this were solved, what would be different next week?",
        "What part of this is in your control?"),
    "tried": (
        "What have you tried, and what happened?",
        "What did you learn from what didn't work?",
        "What haven't you tried yet, and what stops you?",
        "Who else has solved something like this?"),
    "success": (
        "What would we see if this went well?",
        "How will you know, and by when?",
        "What is the smallest step that would count as progress?",
        "What would make this a stretch rather than a chore?"),
    "needs": (
        "What do you need from me to move this forward?",
        "What should I stop doing that gets in your way?",
        "Who should I connect you with?",
        "How would you like me to follow up?"),
}
assert set(QUESTION_BANK) == set(QUESTIONS)
