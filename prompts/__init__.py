"""Prompt templates (the .txt files beside this module) and sentinel phrases shared by code and tests."""

from pathlib import Path

PROMPTS_DIR = Path(__file__).parent

#: The LLM replies with exactly this when the evidence does not answer the question.
CANNOT_ANSWER_PHRASE = "INSUFFICIENT EVIDENCE"
#: Opening of every abstention shown to users.
ABSTAIN_PREFIX = "The articles do not say"
#: Opening of the extractive fallback answer.
EXTRACTIVE_PREFIX = "The articles say:"
#: Opening of the disagreement sentence added to answers.
DISAGREE_PREFIX = "Sources disagree:"
