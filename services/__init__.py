"""Use-cases shared by the API and the scheduler. They use clinical/ and models/, never api/."""
