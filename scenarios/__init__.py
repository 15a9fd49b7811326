"""The shipped scenario files, schemas and upload fixtures, installed as
package data so `awsbox lab` and `awsbox scenario list` find them in any
install, not only in a checkout."""
