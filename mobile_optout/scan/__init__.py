"""``mobile-optout scan``: every switch on the privacy pages, and the new ones no flow covers.

    words      what looks like AI training or data sharing (en de fr nl es it pt pl)
    walk       reading a page and the sub-pages its On/Off rows open (read-only)
    model      what was seen (SwitchSeen, PageRead, ScanReport) and the flag rules
    scanner    per app and device: reach each declared page, judge each switch, history
    suggest    a flagged switch -> a ready flow (scan --suggest)
    (the command itself: mobile_optout/commands/scan.py)
"""
