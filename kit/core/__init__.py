"""The core: question banks, rules, reviews and scoring, with no Jupyter, plotting or nbconvert.

``kit.core`` imports only the standard library (and jsonschema when a file is read, fastjsonschema
when one is written), so a script, a test or a portfolio of thousands of reviews pays nothing
for the app.
"""
