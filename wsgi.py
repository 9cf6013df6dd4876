from declarations import create_app

app = create_app()
