from jobs.matching import grade_all

if __name__ == "__main__":
    print(grade_all(["Paris", "Lyon", "Nice"]))
