"""Small inputs and a helper shared by the reader tests (test_files, test_readers, test_dates, test_registry, ...)."""


LOG = "date,source,target,type,programme,weight,sentiment\n" \
      "2024-01-05,Trust A,Council B,meeting,diabetes,30,positive\n" \
      "2024-02-01,Council B,Trust A,email,diabetes,,negative\n" \
      "2024-03-10,Trust A,Hospice C,call,end of life care,5,0.5\n"


def rejected_reasons(df):
    return df.attrs["report"].rejected["reason"].tolist()


REGISTRY = ("name,kind,sector,parent,aliases,region\n"
            "Northvale Trust,organisation,acute,,NT;Northvale,north\n"
            "Diabetes Team,team,,Northvale Trust,,north\n"
            "Foot Clinic,team,,Diabetes Team,,north\n"
            "Hospice,voluntary,voluntary,,,south\n")
