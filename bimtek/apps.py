from django.apps import AppConfig


class BimtekConfig(AppConfig):
    """The project package as an app, for two things only.

    Its migrations are the history of the training tables, which it created and then handed to
    the trainings app (0002, 0003): a database from before the move upgrades through them. And
    it holds the commands that span every app, such as seed_demo.
    """

    name = "bimtek"
    verbose_name = "Bimtek"
