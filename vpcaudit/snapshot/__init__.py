"""The snapshot layer: what one collection saw of one or more accounts, as frozen records.

``model`` holds the tree (snapshot → accounts → regions → parts, each with its collection
status), ``resources`` the per-resource records with their pure ``from_api`` transforms,
``codec`` the one type-directed JSON codec, ``jsonfile`` reading and writing snapshot files.
Nothing here interprets the network: that is :mod:`vpcaudit.network`.
"""
