# The month in the genitive ("E"): "1 февраля 2027", "01.02.2027".
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i e"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i e"
