def grade_all(model, rows):
    """Every row an independent request, one hand-off below the loop."""
    return [grade_one(model, row) for row in rows]


def grade_one(model, row):
    return model.grade(row["answer"]).strip() == "yes"
