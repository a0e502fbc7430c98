"""skewcheck on Spark (`pip install 'skewcheck[spark]'`): profiles made where the data lies.

The only package that imports pyspark; the rest of skewcheck imports and runs without it.
"""

from skewcheck.spark.profile import profile
from skewcheck.spark.session import session

__all__ = ["profile", "session"]
