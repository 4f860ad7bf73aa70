"""The eras of the timeline and the illustration drawn for each (draw_era_images).

A period of the timeline is a decade, or for the events the sources leave
undated, the period staff give them (“Au fil des décennies”, “Aujourd’hui”).
Each known period has a drawing under static/img/eras/ and its description;
a period added later simply shows no drawing until one is drawn for it.
"""

from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Era:
    scene: str
    alt: str

    @property
    def image(self):
        return f"img/eras/{self.scene}.webp"


ERAS = {
    1920: Era(
        "workshop", _("A workbench with canvas, a spool of thread and a canvas shoulder bag.")
    ),
    1930: Era("turn", _("A snowy ridge, a coiled rope and an ice axe.")),
    1940: Era("savoie", _("Two rucksacks in front of mountain peaks.")),
    1950: Era("annapurna", _("A high summit with a flag, and a pack on a metal frame.")),
    "au-fil-des-decennies": Era("catalogue", _("A pack, a hooded jacket and an approach shoe.")),
    2000: Era("repairs", _("A pack with a sewn patch, a needle and a spool of red thread.")),
    2020: Era("popup", _("A shop front with a striped awning, jackets and a pack in the window.")),
    "aujourdhui": Era("drome", _("A trail-running vest in front of rolling hills.")),
}


def era_key(year, period_label):
    """The key of ERAS for an event: its decade, or its period when it has no year."""
    if year is not None:
        return year // 10 * 10
    return slugify(period_label)


def era_of(year, period_label):
    return ERAS.get(era_key(year, period_label))
