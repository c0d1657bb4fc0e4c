"""Regions and areas of an opportunity or a target, stored as bit masks (the register's
`BitmaskField`), so the board filters with one indexed comparison on SQLite and PostgreSQL."""

from register.choices import AreaOfAction, Region, codes

REGION_BITS = {code: 1 << index for index, code in enumerate(codes(Region))}
AREA_BITS = {code: 1 << index for index, code in enumerate(codes(AreaOfAction))}


def mask_of(values, bits) -> int:
    result = 0
    for value in values:
        result |= bits[value]
    return result


def codes_of(mask: int, bits) -> list[str]:
    return [code for code, bit in bits.items() if mask & bit]
