from zhaoshang.cli import app

app(prog_name="zs")
