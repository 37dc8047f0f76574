from app.grading.registry import build_grader


def grade_all(answers, kind):
    return [build_grader(kind).grade(answer) for answer in answers]
