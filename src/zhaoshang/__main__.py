from zhaoshang.cli import run

run()
