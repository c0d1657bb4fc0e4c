"""Date and time formats per language (`FORMAT_MODULE_PATH`), so templates name a format
(`date:"DATE_FORMAT"`, `SHORT_DATE_FORMAT`, `DATETIME_FORMAT`, `SHORT_DATETIME_FORMAT`) and never
spell a pattern. What Django's own locale formats get wrong for this product is set here: long
dates with the month in words (Russian in the genitive, "1 февраля 2027"; Chinese "2027年2月1日"),
and every time with its time zone. Anything not set falls back to Django's formats for the
language.
"""
