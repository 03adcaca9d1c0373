print("not an article")
